package org.mergelab.checkpoint;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tensors by name, in insertion order (the order they are written to a file). Names are unique: {@link #put}
 * rejects a duplicate, {@link #get} rejects a missing name, both naming the tensor. Equality compares names, order
 * and tensor contents.
 */
public final class NamedTensors implements Iterable<Map.Entry<String, Tensor>> {
    private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();

    /** An empty collection. */
    public NamedTensors() {}

    /**
     * Adds a tensor under a new name.
     *
     * @return this, for chaining
     * @throws IllegalArgumentException if the name is empty or already present
     */
    public NamedTensors put(String name, Tensor tensor) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tensor, () -> "tensor '" + name + "'");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (tensors.putIfAbsent(name, tensor) != null) {
            throw new IllegalArgumentException("duplicate tensor '" + name + "'");
        }
        return this;
    }

    /**
     * The tensor with this name.
     *
     * @throws IllegalArgumentException naming the missing tensor
     */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' among " + tensors.size() + " tensors"
                    + (tensors.size() <= 8 ? " " + tensors.keySet() : ""));
        }
        return t;
    }

    /** Whether a tensor has this name. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The names in insertion order (an unmodifiable copy). */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** An unmodifiable view in insertion order. */
    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    /** Entries in insertion order (unmodifiable). */
    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        return asMap().entrySet().iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensors other
                && names().equals(other.names())
                && tensors.equals(other.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "NamedTensors" + tensors;
    }
}
