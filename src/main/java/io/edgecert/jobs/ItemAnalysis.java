package io.edgecert.jobs;

import io.edgecert.certificates.KeyType;
import io.edgecert.certificates.x509.Warning;

import java.util.List;

/** What the up-front check of an item learned, kept so the run does not check it again. */
record ItemAnalysis(KeyType keyType, boolean trusted, String trustStoreName, List<Warning> warnings) {
}
