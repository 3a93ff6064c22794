package org.mergelab.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTML text helpers: escaping and embedding SVG markup in a page. */
final class Html {

    private static final Pattern ID = Pattern.compile("id=\"([^\"]+)\"");

    private Html() {}

    /** Escapes {@code & < > " '} so any text from a file is shown as text. Null reads as empty. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * SVG file text made fit to sit inside HTML: the XML declaration and DOCTYPE dropped, every
     * {@code id} (and its {@code url(#...)} and {@code href="#..."} references) prefixed so several
     * plots on one page never share an id, fixed width and height dropped so CSS can size it, and
     * an accessible label added.
     */
    static String inlineSvg(String svg, String idPrefix, String label) {
        int start = svg.indexOf("<svg");
        if (start < 0) {
            throw new IllegalArgumentException("not an SVG document");
        }
        String s = svg.substring(start);
        Matcher m = ID.matcher(s);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        for (String id : ids) {
            s = s.replace("id=\"" + id + "\"", "id=\"" + idPrefix + id + "\"")
                    .replace("url(#" + id + ")", "url(#" + idPrefix + id + ")")
                    .replace("href=\"#" + id + "\"", "href=\"#" + idPrefix + id + "\"");
        }
        int tagEnd = s.indexOf('>');
        String tag = s.substring(0, tagEnd)
                .replaceFirst("\\sheight=\"[^\"]*\"", "")
                .replaceFirst("\\swidth=\"[^\"]*\"", "");
        return tag + " role=\"img\" aria-label=\"" + escape(label) + "\" class=\"plot\"" + s.substring(tagEnd);
    }
}
