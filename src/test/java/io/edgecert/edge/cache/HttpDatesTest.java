package io.edgecert.edge.cache;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class HttpDatesTest {
    /** The Expires values of the suite's expires-parse tests, and more. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "Tue, 19 Jan 2038 14:14:08 GMT; 2038-01-19T14:14:08Z",
            "Sun, 21 Nov 2286 04:46:39 GMT; 2286-11-21T04:46:39Z",
            "Thursday, 18-Aug-50 02:01:18 GMT; 2050-08-18T02:01:18Z",
            "Sunday, 06-Nov-94 08:49:37 GMT; 1994-11-06T08:49:37Z",
            "Thu Aug  8 02:01:18 2050; 2050-08-08T02:01:18Z",
            "Sun Nov 16 08:49:37 1994; 1994-11-16T08:49:37Z",
            "THU, 18 Aug 2050 02:01:18 GMT; 2050-08-18T02:01:18Z",
            "Thu, 18 AUG 2050 02:01:18 GMT; 2050-08-18T02:01:18Z",
            "Thu, 18 Aug 2050 02:01:18 gMT; 2050-08-18T02:01:18Z",
            "Thu, 18 Aug 2050 02:01:18 UTC; invalid",
            "Thu, 18 Aug 2050 02:01:18 AEST; invalid",
            "Thu, 18 Aug 50 02:01:18 GMT; invalid",
            "Thu 18 Aug 2050 02:01:18 GMT; invalid",
            "Thu, 18  Aug  2050 02:01:18 GMT; invalid",
            "Thu, 18-Aug-2050 02:01:18 GMT; invalid",
            "Thu, 18 Aug 2050 02.01.18 GMT; invalid",
            "Thu, 18 Aug 2050 2:01:18 GMT; invalid",
            "Thu, 31 Feb 2050 02:01:18 GMT; invalid",
            "Thu, 18 Aug 2050 25:01:18 GMT; invalid",
            "0; invalid",
            "-1; invalid",
            "; invalid",
            "Sat, 07 Dec 2026 12:00:00 GMT; 2026-12-07T12:00:00Z",
    })
    void parse(String value, String expected) {
        var parsed = HttpDates.parse(value == null ? "" : value, Heads.T0);
        if (expected.equals("invalid")) {
            assertThat(parsed).isEmpty();
        } else {
            assertThat(parsed).contains(Instant.parse(expected));
        }
    }

    @ParameterizedTest
    @CsvSource({"2026-12-07T12:00:00Z", "1994-11-06T08:49:37Z", "2038-01-19T14:14:08Z"})
    void formatRoundTrips(String instant) {
        Instant t = Instant.parse(instant);
        assertThat(HttpDates.parse(HttpDates.format(t), t)).contains(t);
    }
}
