package org.mergelab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The family tree of the artefacts in a directory: every {@code *.lineage.json} below it, children linked to their
 * parents by checkpoint id.
 *
 * <pre>
 * 3f2a9c01b7de  pretrain  fashion-mnist/all  base.lineage.json
 * ├─ 8b1e44d0c2aa  finetune  fashion-mnist/t1/color-patch  ft/t1.lineage.json
 * │  └─ 0c9d2f3e4a5b  merge  -  merged.lineage.json
 * └─ 77aa12bc34de  finetune  fashion-mnist/t2  ft/t2.lineage.json
 *    └─ 0c9d2f3e4a5b  merge  -  merged.lineage.json  (shown above)
 * </pre>
 *
 * <p>Each line: short id (12 hex digits), kind, task ({@code dataset/split/cue} or {@code -}), file name relative
 * to the directory. Roots (artefacts none of whose parents is in the directory) come first, sorted by file name;
 * children are sorted by file name too. An artefact with several parents here (a merge) appears under each; its
 * subtree is expanded only the first time.
 */
public final class LineageTree {
    private static final String SUFFIX = ".lineage.json";

    private LineageTree() {}

    /** One lineage file: its path relative to the scanned directory and its content. */
    record Entry(String relativePath, Lineage lineage) {}

    /** Every lineage under {@code dir}, sorted by relative file name. */
    public static List<Lineage> scan(Path dir) throws IOException {
        return entries(dir).stream().map(Entry::lineage).toList();
    }

    /**
     * The tree of the lineages under {@code dir}, one line per node, {@code \n} line ends.
     *
     * @throws IOException if a file cannot be read; a malformed file fails naming it
     */
    public static String render(Path dir) throws IOException {
        List<Entry> entries = entries(dir);
        Map<String, List<Entry>> byId = new HashMap<>();
        for (Entry e : entries) {
            if (e.lineage().checkpointId() != null) {
                byId.computeIfAbsent(e.lineage().checkpointId(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<Entry, List<Entry>> children = new HashMap<>();
        List<Entry> roots = new ArrayList<>();
        for (Entry e : entries) {
            boolean hasParentHere = false;
            Set<Entry> linked = new HashSet<>();
            for (Lineage parent : e.lineage().parents()) {
                for (Entry p : byId.getOrDefault(parent.checkpointId(), List.of())) {
                    if (p != e && linked.add(p)) {
                        children.computeIfAbsent(p, k -> new ArrayList<>()).add(e);
                        hasParentHere = true;
                    }
                }
            }
            if (!hasParentHere) {
                roots.add(e);
            }
        }
        StringBuilder out = new StringBuilder();
        Set<Entry> expanded = new HashSet<>();
        for (Entry root : roots) { // entries are sorted, so roots and children are too
            appendNode(out, root, "", "", children, expanded);
        }
        return out.toString();
    }

    private static void appendNode(StringBuilder out, Entry e, String linePrefix, String childPrefix,
            Map<Entry, List<Entry>> children, Set<Entry> expanded) {
        Lineage l = e.lineage();
        out.append(linePrefix).append(l.shortId()).append("  ").append(l.kind()).append("  ")
                .append(l.task() == null ? "-" : l.task().describe()).append("  ").append(e.relativePath());
        List<Entry> kids = children.getOrDefault(e, List.of());
        if (!expanded.add(e)) {
            if (!kids.isEmpty()) {
                out.append("  (shown above)");
            }
            out.append('\n');
            return;
        }
        out.append('\n');
        for (int i = 0; i < kids.size(); i++) {
            boolean last = i == kids.size() - 1;
            appendNode(out, kids.get(i), childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  "),
                    children, expanded);
        }
    }

    private static List<Entry> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NotDirectoryException(dir.toString());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
                    .toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (Path f : files) {
            String relative = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
            Lineage lineage;
            try {
                lineage = Lineage.fromJson(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException(f + ": " + e.getMessage(), e);
            }
            entries.add(new Entry(relative, lineage));
        }
        entries.sort(Comparator.comparing(Entry::relativePath));
        return entries;
    }
}
