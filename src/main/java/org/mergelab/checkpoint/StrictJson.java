package org.mergelab.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The JSON mapper for headers and indexes: duplicate keys and trailing tokens are errors. */
final class StrictJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /** Pretty output with "\n" line ends on every platform. */
    static final ObjectWriter PRETTY = MAPPER.writer(
            new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private StrictJson() {}

    /**
     * Parses UTF-8 JSON (the only encoding safetensors headers and indexes use: given bytes, Jackson would guess
     * UTF-16 or UTF-32 from a leading {@code '{'} and NUL bytes).
     *
     * @param what names the bytes in messages, e.g. "header"
     * @param firstByte position of {@code json[0]} in {@code file}, for messages
     * @throws CheckpointFormatException naming the file on bytes that are not UTF-8 or not JSON
     */
    static JsonNode readUtf8(Path file, String what, byte[] json, long firstByte) throws CheckpointFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(json);
        CharBuffer text = CharBuffer.allocate(json.length);
        CoderResult result = decoder.decode(in, text, true);
        if (result.isError()) {
            throw CheckpointFormatException.of(file, what + " is not UTF-8: byte " + (firstByte + in.position())
                    + " starts an invalid sequence");
        }
        try {
            return MAPPER.readTree(text.flip().toString());
        } catch (JacksonException e) {
            throw new CheckpointFormatException(file + ": " + what + " is not valid JSON: " + e.getOriginalMessage(),
                    e);
        }
    }
}
