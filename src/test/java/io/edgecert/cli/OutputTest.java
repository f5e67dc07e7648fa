package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tables, progress lines, problem messages and option values, without a server. */
class OutputTest {
    static JsonNode json(String s) {
        return Json.read(s, JsonNode.class);
    }

    @Test
    void tablesAlignColumnsJoinArraysAndShowTheNextCursor() {
        Table table = Table.of(Table.Column.field("ID", "id"), Table.Column.field("ALIASES", "config.aliases"),
                Table.Column.field("COMMENT", "config.comment"));
        String out = table.render(json("""
                {"items": [{"id": "a", "config": {"aliases": ["x.example", "y.example"], "comment": "two\\nlines"}},
                           {"id": "longer-id", "config": {"aliases": []}}],
                 "nextCursor": "c1"}"""));
        assertThat(out.lines().toList()).containsExactly(
                "ID         ALIASES              COMMENT",
                "a          x.example,y.example  two lines",
                "longer-id  -                    -",
                "nextCursor: c1");
    }

    @Test
    void aSingleResourceIsOneRowAndItsDetailTableFollows() {
        Table items = Table.of(Table.Column.field("#", "index"), Table.Column.field("NAME", "name"));
        Table jobs = Table.of(Table.Column.field("ID", "id"), Table.Column.field("STATUS", "status")).withDetail("items", items);
        assertThat(jobs.render(json("{\"id\": \"j\", \"status\": \"RUNNING\", \"items\": [{\"index\": 0, \"name\": \"a\"}]}"))
                .lines().toList()).containsExactly("ID  STATUS", "j   RUNNING", "", "#  NAME", "0  a");
    }

    private static Replies.Job job(String text) {
        return Replies.read(json(text), Replies.Job.class);
    }

    @Test
    void progressCountsTheStepsThatRun() {
        JobProgress p = JobProgress.of(job("""
                {"id": "j1", "status": "RUNNING", "steps": [
                  {"name": "IMPORT_CERTIFICATES", "status": "SUCCEEDED", "total": 4, "succeeded": 4, "failed": 0},
                  {"name": "CREATE_DISTRIBUTIONS", "status": "RUNNING", "total": 4, "succeeded": 1, "failed": 1}]}"""));
        assertThat(p.percent()).isEqualTo(75);
        assertThat(p.finished()).isFalse();
        assertThat(p.line()).isEqualTo("job j1 RUNNING 75% - IMPORT_CERTIFICATES SUCCEEDED 4/4, CREATE_DISTRIBUTIONS RUNNING 2/4 (1 failed)");
        assertThat(p.bar()).startsWith("[" + "#".repeat(22) + "." .repeat(8) + "]  75% RUNNING");

        JobProgress skipped = JobProgress.of(job("""
                {"id": "j2", "status": "SUCCEEDED", "steps": [
                  {"name": "IMPORT_CERTIFICATES", "status": "SUCCEEDED", "total": 2, "succeeded": 2, "failed": 0},
                  {"name": "CREATE_DISTRIBUTIONS", "status": "SKIPPED", "total": 2, "succeeded": 0, "failed": 0}]}"""));
        assertThat(skipped.percent()).isEqualTo(100);
        assertThat(JobProgress.of(job("{\"id\": \"j3\", \"status\": \"PENDING\", \"steps\": []}")).percent()).isZero();
    }

    @Test
    void problemsAreDescribedWithEveryErrorAndItemLabels() {
        ApiProblem p = ApiProblem.parse(400, """
                {"type": "urn:edgecert:problem:KeyMismatch", "title": "Key mismatch", "status": 400, "detail": "the key does not match",
                 "code": "KeyMismatch", "errors": [{"field": "certificates[1].privateKey", "code": "KeyMismatch",
                 "message": "item 1: fingerprints differ", "index": 1}]}""");
        assertThat(p.describe(i -> Optional.of("b.crt, b.key")).lines().toList()).containsExactly(
                "error: KeyMismatch (HTTP 400): the key does not match",
                "  - certificates[1].privateKey: KeyMismatch: item 1: fingerprints differ [b.crt, b.key]");
        assertThat(ApiProblem.parse(502, "<html>Bad gateway</html>").describe(i -> Optional.empty()))
                .isEqualTo("error: HTTP502 (HTTP 502): <html>Bad gateway</html>");
    }

    @Test
    void tagsAndVersionedIdsAreReadLikeTheAwsCli() {
        TagArgument.Converter tags = new TagArgument.Converter();
        assertThat(tags.convert("Key=team,Value=blue")).isEqualTo(new TagArgument("team", "blue"));
        assertThat(tags.convert("key=empty")).isEqualTo(new TagArgument("empty", ""));
        assertThat(tags.convert("env=prod")).isEqualTo(new TagArgument("env", "prod"));
        assertThatThrownBy(() -> tags.convert("Key=a,Colour=b")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> tags.convert("=v")).isInstanceOf(TypeConversionException.class);

        VersionedId.Converter ids = new VersionedId.Converter();
        assertThat(ids.convert("d1:3")).isEqualTo(new VersionedId("d1", Optional.of(3)));
        assertThat(ids.convert("d1")).isEqualTo(new VersionedId("d1", Optional.empty()));
        assertThatThrownBy(() -> ids.convert("d1:x")).isInstanceOf(TypeConversionException.class);
        assertThat(Inputs.file("fileb:///tmp/a.pem")).hasToString("/tmp/a.pem");
        assertThat(Inputs.file("file://rel/a.pem")).hasToString("rel/a.pem");
    }

    /** Replies are typed, and a newer server's extra fields do not break this CLI. */
    @Test
    void repliesAreReadIntoRecordsIgnoringFieldsTheyDoNotKnow() {
        Replies.Job j = job("""
                {"id": "j9", "status": "FAILED", "someNewField": {"x": 1}, "items": [
                  {"index": 0, "status": "FAILED", "error": {"step": "IMPORT_CERTIFICATES", "code": "KeyMismatch", "message": "m"}},
                  {"index": 1, "name": "b", "status": "SUCCEEDED"}]}""");
        assertThat(j.steps()).isEmpty();
        assertThat(j.error()).isEmpty();
        assertThat(j.items().get(0).name()).isEmpty();
        assertThat(j.items().get(0).error().orElseThrow().code()).isEqualTo("KeyMismatch");
        assertThat(j.items().get(1).error()).isEmpty();
        ApiProblem p = ApiProblem.parse(400, """
                {"type": "t", "status": 400, "code": "InvalidPem", "detail": "d", "extra": true,
                 "errors": [{"field": "certificate", "code": "InvalidPem", "message": "m", "index": 3}, {"code": "MissingField", "message": "n"}]}""");
        assertThat(p.code()).isEqualTo("InvalidPem");
        assertThat(p.errors()).extracting(ApiProblem.FieldError::index).containsExactly(java.util.Optional.of(3), java.util.Optional.empty());
        assertThat(p.errors().get(1).field()).isEmpty();
        assertThat(ApiProblem.parse(502, "<html>bad gateway</html>").code()).isEqualTo("HTTP502");
    }
}
