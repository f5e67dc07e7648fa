package io.edgecert.edge.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ByteRangesTest {
    /** Range; representation length; outcome (whole, 416, or the ranges "a-b,c-d") */
    @ParameterizedTest(name = "[{index}] {0} of {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "bytes=0-9; 100; 0-9",
            "bytes=5-; 100; 5-99",
            "bytes=-10; 100; 90-99",
            "bytes=-200; 100; 0-99",
            "bytes=90-200; 100; 90-99",
            "bytes=0-0; 1; 0-0",
            "bytes=100-; 100; 416",
            "bytes=100-200; 100; 416",
            "bytes=-0; 100; 416",
            "bytes=0-; 0; 416",
            "bytes=0-9,20-29; 100; 0-9,20-29",
            "bytes=20-29,0-9; 100; 0-9,20-29",
            "bytes=0-9,5-14; 100; 0-14",
            "bytes=0-9,10-19; 100; 0-19",
            "bytes=0-9,200-300; 100; 0-9",
            "bytes=0-9,-5; 100; 0-9,95-99",
            "BYTES=0-9; 100; 0-9",
            " bytes = 0-9 , 20-29 ; 100; 0-9,20-29",
            "bytes=9-0; 100; whole",
            "bytes=a-b; 100; whole",
            "bytes=; 100; whole",
            "items=0-9; 100; whole",
            "bytes 0-9; 100; whole",
            "bytes=0-9,x; 100; whole",
    })
    void evaluate(String range, long length, String expected) {
        ByteRanges.Outcome o = ByteRanges.evaluate(Optional.of(range), length);
        String actual = o instanceof ByteRanges.Whole ? "whole" : o instanceof ByteRanges.Unsatisfiable ? "416"
                : ((ByteRanges.Partial) o).ranges().stream().map(r -> r.first() + "-" + r.last())
                .collect(Collectors.joining(","));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void moreThanSixteenPartsIsIgnored() {
        String sixteen = IntStream.range(0, 16).mapToObj(i -> (i * 10) + "-" + (i * 10 + 1)).collect(Collectors.joining(","));
        assertThat(ByteRanges.evaluate(Optional.of("bytes=" + sixteen), 1000)).isInstanceOf(ByteRanges.Partial.class);
        String seventeen = sixteen + ",500-501";
        assertThat(ByteRanges.evaluate(Optional.of("bytes=" + seventeen), 1000)).isInstanceOf(ByteRanges.Whole.class);
        // overlapping ones merge first: 32 specs, 1 part
        String overlapping = IntStream.range(0, 32).mapToObj(i -> i + "-" + (i + 5)).collect(Collectors.joining(","));
        assertThat(ByteRanges.evaluate(Optional.of("bytes=" + overlapping), 1000)).isInstanceOf(ByteRanges.Partial.class);
    }

    @Test
    void multipartLengthIsTheBytesWritten() {
        var ranges = java.util.List.of(new ByteRanges.ByteRange(0, 9), new ByteRanges.ByteRange(20, 29));
        StringBuilder body = new StringBuilder();
        for (var r : ranges) {
            body.append(ByteRanges.partHeader("B", Optional.of("text/plain"), r, 100)).append("x".repeat((int) r.length()));
        }
        body.append(ByteRanges.closingDelimiter("B"));
        assertThat(ByteRanges.multipartLength("B", Optional.of("text/plain"), ranges, 100)).isEqualTo(body.length());
        assertThat(body.toString()).startsWith("\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-9/100\r\n\r\n");
    }
}
