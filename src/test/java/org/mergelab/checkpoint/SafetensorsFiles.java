package org.mergelab.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors bytes for malformed-file tests. */
final class SafetensorsFiles {
    private SafetensorsFiles() {}

    /** Writes the 8-byte length of {@code json}, {@code json} itself and {@code dataBytes} zero bytes. */
    static Path write(Path file, String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return writeWithLength(file, header.length, header, dataBytes);
    }

    /** Writes {@code declaredLength} as the header length, then {@code header} and {@code dataBytes} zero bytes. */
    static Path writeWithLength(Path file, long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        Files.write(file, b.array());
        return file;
    }

    /** A tensor entry of the header. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }
}
