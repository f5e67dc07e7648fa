package io.edgecert.certificates.x509;

/**
 * Something worth knowing about accepted material (import-rules.md, after part A): reported on
 * the result, never a reason to refuse.
 */
public record Warning(Code code, String message) {
    public enum Code {
        ChainReordered,
        IntermediateExpired,
        IntermediateExpiresBeforeLeaf,
        ChainNotTrusted,
        WeakSignatureAlgorithm,
        WeakKey
    }
}
