package io.zdtmudp.harness.guest;

/**
 * Adds files to a failed test's artifacts, e.g. CRIU images decoded to JSON. Found with
 * {@link java.util.ServiceLoader}: list implementations in
 * META-INF/services/io.zdtmudp.harness.guest.FailureArtifactContributor. A contributor that throws
 * is reported in the artifacts and does not stop the others.
 */
public interface FailureArtifactContributor {
    void contribute(FailureArtifacts artifacts) throws Exception;
}
