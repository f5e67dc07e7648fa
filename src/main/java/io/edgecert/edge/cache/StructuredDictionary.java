package io.edgecert.edge.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough of an RFC 8941 Dictionary parser for CDN-Cache-Control (RFC 9213 2.1): keys with
 * their bare-item values, parameters and inner lists skipped. Any syntax error makes the whole
 * field invalid (empty), which RFC 9213 says to ignore. An integer or token value is kept as
 * written, a boolean true as "", a string with a leading {@code "} so that it never passes as
 * delta-seconds (a {@code max-age="5"} is the wrong type there).
 */
final class StructuredDictionary {
    private final String s;
    private int i;

    private StructuredDictionary(String s) {
        this.s = s;
    }

    static Optional<Map<String, String>> parse(String field) {
        try {
            return Optional.of(new StructuredDictionary(field).dictionary());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Map<String, String> dictionary() {
        Map<String, String> out = new LinkedHashMap<>();
        skipSp();
        if (i == s.length()) {
            return out;
        }
        while (true) {
            String key = key();
            String value = "";
            if (peek() == '=') {
                i++;
                if (peek() == '(') {
                    innerList();
                    value = "(";
                } else {
                    value = bareItem();
                }
            }
            parameters();
            out.remove(key); // 8941: a later member of the same key overwrites it
            if (!value.equals("?0")) { // a directive set to false is not there
                out.put(key, value);
            }
            skipOws();
            if (i == s.length()) {
                return out;
            }
            expect(',');
            skipOws();
            if (i == s.length()) {
                throw new IllegalArgumentException("trailing comma");
            }
        }
    }

    private String key() {
        int start = i;
        char c = peek();
        if (!((c >= 'a' && c <= 'z') || c == '*')) {
            throw new IllegalArgumentException("key");
        }
        i++;
        while (i < s.length()) {
            c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
                i++;
            } else {
                break;
            }
        }
        return s.substring(start, i);
    }

    private String bareItem() {
        char c = peek();
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = i;
            if (c == '-') {
                i++;
            }
            int digits = 0;
            boolean decimal = false;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || (s.charAt(i) == '.' && !decimal))) {
                if (s.charAt(i) == '.') {
                    decimal = true;
                } else {
                    digits++;
                }
                i++;
            }
            if (digits == 0 || digits > 15 || s.charAt(i - 1) == '.') {
                throw new IllegalArgumentException("number");
            }
            return s.substring(start, i);
        }
        if (c == '"') {
            i++;
            StringBuilder b = new StringBuilder("\"");
            while (true) {
                if (i == s.length()) {
                    throw new IllegalArgumentException("string");
                }
                char d = s.charAt(i++);
                if (d == '\\') {
                    if (i == s.length() || (s.charAt(i) != '"' && s.charAt(i) != '\\')) {
                        throw new IllegalArgumentException("escape");
                    }
                    b.append(s.charAt(i++));
                } else if (d == '"') {
                    return b.toString();
                } else if (d < 0x20 || d > 0x7e) {
                    throw new IllegalArgumentException("string char");
                } else {
                    b.append(d);
                }
            }
        }
        if (c == '?') {
            i++;
            char d = peek();
            if (d != '0' && d != '1') {
                throw new IllegalArgumentException("boolean");
            }
            i++;
            return d == '1' ? "" : "?0";
        }
        if (c == ':') {
            int end = s.indexOf(':', i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("bytes");
            }
            String b = s.substring(i, end + 1);
            i = end + 1;
            return b;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
            int start = i++;
            while (i < s.length() && (CacheControl.isTchar(s.charAt(i)) || s.charAt(i) == ':' || s.charAt(i) == '/')) {
                i++;
            }
            return s.substring(start, i);
        }
        throw new IllegalArgumentException("item");
    }

    private void innerList() {
        expect('(');
        while (true) {
            while (peek() == ' ') {
                i++;
            }
            if (peek() == ')') {
                i++;
                return;
            }
            bareItem();
            parameters();
            char c = peek();
            if (c != ' ' && c != ')') {
                throw new IllegalArgumentException("inner list");
            }
        }
    }

    private void parameters() {
        while (peek() == ';') {
            i++;
            skipSp();
            key();
            if (peek() == '=') {
                i++;
                bareItem();
            }
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        i++;
    }

    private void skipSp() {
        while (peek() == ' ') {
            i++;
        }
    }

    private void skipOws() {
        while (peek() == ' ' || peek() == '\t') {
            i++;
        }
    }
}
