package io.edgecert.edge.cache;

import java.util.ArrayList;
import java.util.List;

/** Entity-tag comparison (RFC 9110 8.8.3.2) and If-None-Match / If-Match lists. */
public final class ETags {
    private ETags() {
    }

    public static boolean isWeak(String tag) {
        return tag.startsWith("W/");
    }

    private static String opaque(String tag) {
        return isWeak(tag) ? tag.substring(2) : tag;
    }

    /** Strong comparison: both strong and identical. */
    public static boolean strongMatch(String a, String b) {
        return !isWeak(a) && !isWeak(b) && a.equals(b);
    }

    /** Weak comparison: the opaque tags are identical, weak or not. */
    public static boolean weakMatch(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    /** The members of an entity-tag list (If-None-Match, If-Match); {@code *} is a member of its own. */
    public static List<String> list(String field) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = field.length();
        while (i < n) {
            char c = field.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            int start = i;
            if (c == '*') {
                out.add("*");
                i++;
                continue;
            }
            if (field.startsWith("W/", i)) {
                i += 2;
            }
            if (i < n && field.charAt(i) == '"') {
                int end = field.indexOf('"', i + 1);
                if (end < 0) {
                    break;
                }
                out.add(field.substring(start, end + 1));
                i = end + 1;
            } else { // not an entity-tag: skip to the next comma
                while (i < n && field.charAt(i) != ',') {
                    i++;
                }
            }
        }
        return out;
    }
}
