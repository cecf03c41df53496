package org.latentlab.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The backbone's parameter file: a header line, the number of parameters, then per parameter its name, rank,
 * dimensions and float32 values (little-endian). Written to a temporary file beside the target and renamed, so a
 * reader never sees half a file.
 */
final class ParameterFile {
    private static final String MAGIC = "latentlab-gpt-parameters";
    private static final int FORMAT = 1;

    private ParameterFile() {}

    static void write(Path file, Map<String, NDArray> parameters) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
                out.writeUTF(MAGIC);
                out.writeInt(FORMAT);
                out.writeInt(parameters.size());
                for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
                    long[] dims = entry.getValue().getShape().getShape();
                    out.writeUTF(entry.getKey());
                    out.writeInt(dims.length);
                    for (long dim : dims) {
                        out.writeLong(dim);
                    }
                    float[] values = entry.getValue().toFloatArray();
                    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(values);
                    out.write(bytes.array());
                }
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads every parameter and checks names and shapes before changing any, then copies the values in place. */
    static void read(Path file, Map<String, NDArray> parameters) throws IOException {
        List<float[]> loaded = new ArrayList<>(parameters.size());
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            String magic;
            try {
                magic = in.readUTF();
            } catch (IOException e) {
                magic = null;
            }
            if (!MAGIC.equals(magic)) {
                throw new IOException("The file " + file + " is not a gpt backbone parameter file.");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("The parameter file " + file + " has format " + format + "; this backbone reads format " + FORMAT + ".");
            }
            int count = in.readInt();
            if (count != parameters.size()) {
                throw new IOException("The parameter file " + file + " holds " + count + " parameters but this backbone has "
                        + parameters.size() + "; it was saved from a backbone of another shape.");
            }
            for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
                String name = in.readUTF();
                if (!name.equals(entry.getKey())) {
                    throw new IOException("The parameter file " + file + " holds '" + name + "' where this backbone expects '"
                            + entry.getKey() + "'; it was saved from a backbone of another shape.");
                }
                long[] dims = new long[in.readInt()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = in.readLong();
                }
                Shape expected = entry.getValue().getShape();
                if (!Arrays.equals(dims, expected.getShape())) {
                    throw new IOException("The parameter file " + file + " gives '" + name + "' the shape " + new Shape(dims)
                            + " but this backbone's is " + expected + "; build the backbone with the config it was saved from.");
                }
                byte[] bytes = new byte[Math.toIntExact(expected.size() * Float.BYTES)];
                in.readFully(bytes);
                float[] values = new float[Math.toIntExact(expected.size())];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                loaded.add(values);
            }
            if (in.read() != -1) {
                throw new IOException("The parameter file " + file + " goes on after its last parameter; it is not a file this backbone wrote.");
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "The parameter file does not exist.");
        } catch (EOFException e) {
            throw new IOException("The parameter file " + file + " ends early; it is truncated or was not written by this backbone.", e);
        }
        int i = 0;
        for (NDArray parameter : parameters.values()) {
            parameter.set(loaded.get(i++));
        }
    }
}
