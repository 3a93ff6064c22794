package org.mergelab.merge;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mergelab.checkpoint.Tensor;
import org.mergelab.checkpoint.TensorInfo;
import org.mergelab.checkpoint.TensorSource;

/**
 * The tensors a {@code slices:} recipe writes, and where each comes from, following mergekit's planner
 * ({@code plan.MergePlanner._plan}, {@code plan_slice}, {@code plan_layer}): the tensors before the layers (the
 * embeddings) are merged from the first slice's sources at t = 0; then every slice in order, output layer
 * {@code L} (counted over all slices) merging layer {@code from + k} of each source, at t = k / (n − 1) within a
 * slice of n layers (t = 1 when n = 1); then the tensors after the layers (final norm, lm_head) from the last
 * slice's sources at t = 1. Layer tensors are renamed to their output layer (the index that {@link LayerPositions}
 * finds in the name). Nothing but headers (and config files) is read.
 *
 * <p>The result is one {@link TensorSource} view per merged position (and one for the base), with the output names,
 * which {@link StreamingMerge} merges as if they were whole models.
 *
 * @param models one view per merged source position, in merge order
 * @param base the base view, or null
 * @param parameters each output tensor's parameters
 * @param layers the output's layer count
 */
record SliceStack(List<TensorSource> models, TensorSource base,
        Function<String, StreamingMerge.TensorParameters> parameters, int layers) {

    /** Where one output tensor is read: a tensor of an opened model. */
    private record Origin(TensorSource source, TensorInfo info) {}

    /**
     * Plans {@code recipe}'s slices over the opened models.
     *
     * @param opened every model the slices name, opened, by path
     * @throws IllegalArgumentException naming the slice, the model and the tensor at fault
     */
    static SliceStack plan(MergeRecipe recipe, Map<Path, TensorSource> opened) throws IOException {
        List<RecipeSlice> slices = recipe.slices();
        Pattern pattern = LayerPositions.compile(recipe.layerPattern() != null ? recipe.layerPattern()
                : LayerPositions.DEFAULT_PATTERN);
        Map<Path, LayerPositions> positions = new HashMap<>();
        Map<Path, Map<String, TensorInfo>> infos = new HashMap<>();
        for (Map.Entry<Path, TensorSource> e : opened.entrySet()) {
            List<String> names = e.getValue().tensors().stream().map(TensorInfo::name).toList();
            Path dir = Files.isDirectory(e.getKey()) ? e.getKey() : e.getKey().toAbsolutePath().getParent();
            Path config = dir.resolve("config.json");
            positions.put(e.getKey(), LayerPositions.of(names, pattern, MergeRecipe.configLayers(config),
                    config.toString()));
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            e.getValue().tensors().forEach(info -> byName.put(info.name(), info));
            infos.put(e.getKey(), byName);
        }
        for (int s = 0; s < slices.size(); s++) {
            for (RecipeSlice.Source source : slices.get(s).sources()) {
                int available = positions.get(source.model()).layers();
                if (source.to() > available) {
                    throw new IllegalArgumentException("slices[" + s + "]: " + source.describe() + " goes past the "
                            + available + " layers of " + opened.get(source.model()).path());
                }
            }
        }
        int slots = slices.getFirst().models().size();
        boolean hasBase = slices.getFirst().base() != null;
        List<Map<String, Origin>> views = new ArrayList<>();
        for (int i = 0; i < slots + (hasBase ? 1 : 0); i++) {
            views.add(new LinkedHashMap<>());
        }
        Map<String, StreamingMerge.TensorParameters> parameters = new HashMap<>();

        RecipeSlice first = slices.getFirst();
        RecipeSlice last = slices.getLast();
        Path firstModel = first.models().getFirst().model();
        for (String name : infos.get(firstModel).keySet()) {
            if (positions.get(firstModel).beforeLayers(name)) {
                place(name, name, first, null, views, opened, positions, infos, "slices[0]");
                parameters.put(name, first.parameters().at(name, 0.0));
            }
        }
        int layer = 0;
        for (int s = 0; s < slices.size(); s++) {
            RecipeSlice slice = slices.get(s);
            String where = "slices[" + s + "]";
            RecipeSlice.Source reference = slice.models().getFirst();
            LayerPositions referencePositions = positions.get(reference.model());
            int n = slice.layers();
            for (int k = 0; k < n; k++) {
                double t = n > 1 ? (double) k / (n - 1) : 1.0;
                int inputLayer = reference.from() + k;
                Set<String> referenceNames = new LinkedHashSet<>();
                for (String name : infos.get(reference.model()).keySet()) {
                    if (referencePositions.layerIndex(name).orElse(-1) != inputLayer) {
                        continue;
                    }
                    referenceNames.add(name);
                    String output = referencePositions.withLayer(name, layer);
                    place(output, name, slice, k, views, opened, positions, infos, where);
                    parameters.put(output, slice.parameters().at(output, t));
                }
                requireNoExtraLayerTensors(slice, k, referenceNames, positions, infos, opened, where);
                layer++;
            }
        }
        Path lastModel = last.models().getFirst().model();
        for (String name : infos.get(lastModel).keySet()) {
            LayerPositions p = positions.get(lastModel);
            if (p.layerIndex(name).isEmpty() && !p.beforeLayers(name)) {
                place(name, name, last, null, views, opened, positions, infos, "slices[" + (slices.size() - 1) + "]");
                parameters.put(name, last.parameters().at(name, 1.0));
            }
        }
        List<TensorSource> modelViews = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            modelViews.add(new View(opened.get(first.models().get(i).model()).path(), views.get(i)));
        }
        TensorSource baseView = hasBase ? new View(opened.get(first.base().model()).path(), views.getLast()) : null;
        return new SliceStack(modelViews, baseView, parameters::get, layer);
    }

    /**
     * Adds output tensor {@code output} to every view: for each source of {@code slice}, the tensor {@code name} of
     * the first source, renamed to the source's layer {@code from + offset} when {@code offset} is given (a layer
     * tensor), else under the same name.
     */
    private static void place(String output, String name, RecipeSlice slice, Integer offset,
            List<Map<String, Origin>> views, Map<Path, TensorSource> opened, Map<Path, LayerPositions> positions,
            Map<Path, Map<String, TensorInfo>> infos, String where) {
        List<RecipeSlice.Source> sources = slice.sources();
        RecipeSlice.Source reference = sources.getFirst();
        TensorInfo referenceInfo = infos.get(reference.model()).get(name);
        for (int i = 0; i < sources.size(); i++) {
            RecipeSlice.Source source = sources.get(i);
            String inputName = offset == null ? name
                    : positions.get(source.model()).withLayer(name, source.from() + offset);
            TensorInfo info = infos.get(source.model()).get(inputName);
            if (info == null) {
                throw new IllegalArgumentException(where + ": tensor '" + inputName + "' is not in "
                        + opened.get(source.model()).path() + " (" + source.describe() + "), but '" + name
                        + "' is in " + opened.get(reference.model()).path() + " (" + reference.describe() + ")");
            }
            if (!Arrays.equals(info.shape(), referenceInfo.shape())) {
                throw new IllegalArgumentException(where + ": tensor '" + inputName + "' is "
                        + Tensor.shapeString(info.shape()) + " in " + opened.get(source.model()).path() + " but '"
                        + name + "' is " + Tensor.shapeString(referenceInfo.shape()) + " in "
                        + opened.get(reference.model()).path());
            }
            if (views.get(i).put(output, new Origin(opened.get(source.model()), info)) != null) {
                throw new IllegalArgumentException(where + ": output tensor '" + output + "' would be written twice");
            }
        }
    }

    /** Every tensor in layer {@code from + offset} of each source has one in the first source's layer. */
    private static void requireNoExtraLayerTensors(RecipeSlice slice, int offset, Set<String> referenceNames,
            Map<Path, LayerPositions> positions, Map<Path, Map<String, TensorInfo>> infos,
            Map<Path, TensorSource> opened, String where) {
        RecipeSlice.Source reference = slice.sources().getFirst();
        for (RecipeSlice.Source source : slice.sources()) {
            LayerPositions p = positions.get(source.model());
            int layer = source.from() + offset;
            Set<String> expected = new LinkedHashSet<>();
            referenceNames.forEach(name -> expected.add(p.withLayer(name, layer)));
            for (String name : infos.get(source.model()).keySet()) {
                if (p.layerIndex(name).orElse(-1) == layer && !expected.contains(name)) {
                    throw new IllegalArgumentException(where + ": tensor '" + name + "' of "
                            + opened.get(source.model()).path() + " (" + source.describe() + ") has no counterpart"
                            + " in layer " + (reference.from() + offset) + " of " + opened.get(reference.model()).path()
                            + " (" + reference.describe() + ")");
                }
            }
        }
    }

    /** Where output tensor {@code output} is read from: each input's file and tensor name, in merge order. */
    List<String> origins(String output) {
        List<TensorSource> all = new ArrayList<>(models);
        if (base != null) {
            all.add(base);
        }
        List<String> out = new ArrayList<>();
        for (TensorSource view : all) {
            Origin origin = ((View) view).origins.get(output);
            out.add(origin.source().path() + ":" + origin.info().name());
        }
        return out;
    }

    /** A merged position's tensors under their output names. */
    private static final class View implements TensorSource {
        private final Path path;
        private final Map<String, Origin> origins;
        private final List<TensorInfo> tensors;

        View(Path path, Map<String, Origin> origins) {
            this.path = path;
            this.origins = origins;
            List<TensorInfo> list = new ArrayList<>();
            origins.forEach((name, o) -> list.add(new TensorInfo(name, o.info().dtype(), o.info().shape(),
                    o.info().offset(), o.info().byteLength())));
            this.tensors = List.copyOf(list);
        }

        @Override
        public List<TensorInfo> tensors() {
            return tensors;
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Tensor read(String name, Arena arena) throws IOException {
            Origin origin = origins.get(name);
            if (origin == null) {
                throw new IllegalArgumentException("no tensor '" + name + "' in the slices over " + path);
            }
            return origin.source().read(origin.info().name(), arena);
        }

        @Override
        public Tensor read(String name, long fromElement, long toElement, Arena arena) throws IOException {
            Origin origin = origins.get(name);
            if (origin == null) {
                throw new IllegalArgumentException("no tensor '" + name + "' in the slices over " + path);
            }
            return origin.source().read(origin.info().name(), fromElement, toElement, arena);
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public void close() {
            // the opened models are closed by whoever opened them
        }
    }
}
