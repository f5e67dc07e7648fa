package io.edgecert.events;

/** What subscribers can be told about (issue 4, api.md subscriptions). */
public enum EventType {
    JobSucceeded,
    JobFailed,
    CertificateApproachingExpiration,
    CertificateExpired
}
