package dev.keel.internal.exitagent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Rewrites one method of a class file so that it first stores an {@code int} argument in a system
 * property, swallowing anything that throws (a security manager refusing the write must not stop
 * the method):
 * <pre>
 *  0  ldc_w key; iload_n; invokestatic String.valueOf(I); invokestatic System.setProperty; pop
 * 11  goto 16
 * 14  pop                (handler for Throwable over 0..11)
 * 15  nop
 * 16  the method's own code
 * </pre>
 * The new code uses only public {@code java.base} API, so a JDK class can be patched without
 * giving it new classes, module reads or boot class path entries.
 *
 * <p>Written by hand rather than with a bytecode library, so the agent carries no copy of ASM
 * that could clash with an application's. Jumps in JVM bytecode are relative, and a shift by 16
 * keeps {@code tableswitch} padding, so the method's own code is copied unchanged; only absolute
 * offsets move: the exception table, the StackMapTable (two frames added in front, the first old
 * frame's delta recomputed), and the line-number and local-variable tables. A Code attribute of
 * another kind (type annotations) leaves the class unpatched: {@link #patch} returns null for
 * anything it does not understand and never returns a half-changed class.
 */
public final class StatusPropertyPatch {
    /** Bytes put in front of the method's code (a multiple of four). */
    static final int SHIFT = 16;
    private static final int HANDLER = 14;
    private final String method;
    private final String descriptor;
    private final int slot;
    private final String key;

    /**
     * @param method     name of the method to patch ({@code exit})
     * @param descriptor its descriptor ({@code (I)V})
     * @param slot       local-variable slot (0..3) of the int argument (0 for a static method's first)
     * @param key        the system property to set
     */
    public StatusPropertyPatch(String method, String descriptor, int slot, String key) {
        if (slot < 0 || slot > 3) {
            throw new IllegalArgumentException("slot " + slot + " is out of 0..3 (iload_<n> keeps the prologue at 16 bytes)");
        }
        this.method = method;
        this.descriptor = descriptor;
        this.slot = slot;
        this.key = key;
    }

    /** The patched class file, or null when the method is absent or the class is not understood. */
    public byte[] patch(byte[] classFile) {
        try {
            return rewrite(classFile);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Constant-pool indexes of what the prologue refers to, appended after the class's own entries. */
    private static final class Refs {
        int key;
        int valueOf;
        int setProperty;
        int throwable;
        int stackMapTable;
    }

    private byte[] rewrite(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(classFile.length + 256);
        DataOutputStream out = new DataOutputStream(buf);
        if (in.readInt() != 0xCAFEBABE) {
            return null;
        }
        out.writeInt(0xCAFEBABE);
        out.writeInt(in.readInt()); // minor, major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        ByteArrayOutputStream pool = new ByteArrayOutputStream();
        DataOutputStream poolOut = new DataOutputStream(pool);
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            poolOut.writeByte(tag);
            switch (tag) {
                case 1 -> {
                    utf8[i] = in.readUTF();
                    poolOut.writeUTF(utf8[i]);
                }
                case 7, 8, 16, 19, 20 -> poolOut.writeShort(in.readUnsignedShort());
                case 15 -> {
                    poolOut.writeByte(in.readUnsignedByte());
                    poolOut.writeShort(in.readUnsignedShort());
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> poolOut.writeInt(in.readInt());
                case 5, 6 -> {
                    poolOut.writeLong(in.readLong());
                    i++;
                }
                default -> {
                    return null;
                }
            }
        }
        Pool added = new Pool(count, poolOut);
        Refs refs = new Refs();
        refs.key = added.string(key);
        refs.valueOf = added.method("java/lang/String", "valueOf", "(I)Ljava/lang/String;");
        refs.setProperty = added.method("java/lang/System", "setProperty",
                "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;");
        refs.throwable = added.type("java/lang/Throwable");
        refs.stackMapTable = added.utf8("StackMapTable");
        if (added.next > 0xFFFF) {
            return null;
        }
        out.writeShort(added.next);
        pool.writeTo(out);

        copy(in, out, 6);                // access, this, super
        int interfaces = in.readUnsignedShort();
        out.writeShort(interfaces);
        copy(in, out, 2 * interfaces);
        int fields = in.readUnsignedShort();
        out.writeShort(fields);
        for (int f = 0; f < fields; f++) {
            copy(in, out, 6);
            copyAttributes(in, out);
        }
        int methods = in.readUnsignedShort();
        out.writeShort(methods);
        boolean patched = false;
        for (int m = 0; m < methods; m++) {
            copy(in, out, 2);
            int name = in.readUnsignedShort();
            int desc = in.readUnsignedShort();
            out.writeShort(name);
            out.writeShort(desc);
            boolean target = method.equals(utf8[name]) && descriptor.equals(utf8[desc]);
            int attributes = in.readUnsignedShort();
            out.writeShort(attributes);
            for (int a = 0; a < attributes; a++) {
                int attrName = in.readUnsignedShort();
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                if (target && "Code".equals(utf8[attrName])) {
                    body = patchCode(body, utf8, refs);
                    if (body == null) {
                        return null;
                    }
                    patched = true;
                }
                out.writeShort(attrName);
                out.writeInt(body.length);
                out.write(body);
            }
        }
        copyAttributes(in, out);
        if (!patched || in.read() != -1) {
            return null;
        }
        return buf.toByteArray();
    }

    private byte[] patchCode(byte[] code, String[] utf8, Refs refs) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(code));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(code.length + 64);
        DataOutputStream out = new DataOutputStream(buf);
        out.writeShort(Math.max(2, in.readUnsignedShort()));   // max_stack: key and value
        out.writeShort(in.readUnsignedShort());                // max_locals
        int length = in.readInt();
        if (length + SHIFT > 0xFFFF) {
            return null;
        }
        out.writeInt(length + SHIFT);
        out.writeByte(0x13);                                   // ldc_w key
        out.writeShort(refs.key);
        out.writeByte(0x1a + slot);                            // iload_<slot>
        out.writeByte(0xb8);                                   // invokestatic String.valueOf(int)
        out.writeShort(refs.valueOf);
        out.writeByte(0xb8);                                   // invokestatic System.setProperty
        out.writeShort(refs.setProperty);
        out.writeByte(0x57);                                   // pop
        out.writeByte(0xa7);                                   // goto +5 (to 16)
        out.writeShort(SHIFT - 11);
        out.writeByte(0x57);                                   // 14: pop the Throwable
        out.writeByte(0x00);                                   // 15: nop
        copy(in, out, length);
        int handlers = in.readUnsignedShort();
        out.writeShort(handlers + 1);
        out.writeShort(0);
        out.writeShort(11);
        out.writeShort(HANDLER);
        out.writeShort(refs.throwable);
        for (int h = 0; h < handlers; h++) {
            out.writeShort(in.readUnsignedShort() + SHIFT);    // start_pc
            out.writeShort(in.readUnsignedShort() + SHIFT);    // end_pc
            out.writeShort(in.readUnsignedShort() + SHIFT);    // handler_pc
            out.writeShort(in.readUnsignedShort());            // catch_type
        }
        int attributes = in.readUnsignedShort();
        boolean hadFrames = false;
        ByteArrayOutputStream attrBuf = new ByteArrayOutputStream();
        DataOutputStream attrOut = new DataOutputStream(attrBuf);
        for (int a = 0; a < attributes; a++) {
            int name = in.readUnsignedShort();
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            String kind = String.valueOf(utf8[name]);
            hadFrames |= kind.equals("StackMapTable");
            body = switch (kind) {
                case "StackMapTable" -> frames(body, refs);
                case "LineNumberTable" -> shiftTable(body, 4, false);
                case "LocalVariableTable", "LocalVariableTypeTable" -> shiftTable(body, 10, true);
                default -> null;
            };
            if (body == null) {
                return null;
            }
            attrOut.writeShort(name);
            attrOut.writeInt(body.length);
            attrOut.write(body);
        }
        if (!hadFrames) {
            byte[] body = frames(new byte[2], refs);
            attrOut.writeShort(refs.stackMapTable);
            attrOut.writeInt(body.length);
            attrOut.write(body);
        }
        out.writeShort(attributes + (hadFrames ? 0 : 1));
        attrBuf.writeTo(out);
        return in.read() == -1 ? buf.toByteArray() : null;
    }

    /**
     * The prologue's two frames (the handler at 14 holding a Throwable, the goto target at 16 with
     * an empty stack; both with the method's initial locals), then the method's own frames. Frames
     * are delta-coded, so only the first old one changes: its offset moved by 16 and it now follows
     * the frame at 16 — or, when it was itself at 0, it takes that frame's place.
     */
    private static byte[] frames(byte[] table, Refs refs) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(table));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(table.length + 8);
        DataOutputStream out = new DataOutputStream(buf);
        int frames = in.readUnsignedShort();
        int first = -1;
        int firstDelta = -1;
        if (frames > 0) {
            first = in.readUnsignedByte();
            if (first < 64) {
                firstDelta = first;
            } else if (first < 128) {
                firstDelta = first - 64;
            } else if (first >= 247) {
                firstDelta = in.readUnsignedShort();
            } else {
                return null;                                   // reserved tags
            }
        }
        boolean replacesTarget = firstDelta == 0;
        out.writeShort(frames + (replacesTarget ? 1 : 2));
        out.writeByte(64 + HANDLER);                           // same_locals_1_stack_item_frame at 14
        out.writeByte(7);                                      // Object_variable_info
        out.writeShort(refs.throwable);
        int base = HANDLER;                                    // offset of the previous frame
        if (!replacesTarget) {
            out.writeByte(SHIFT - HANDLER - 1);                // same_frame at 16
            base = SHIFT;
        }
        if (frames > 0) {
            int delta = firstDelta + SHIFT - base - 1;         // never larger than before: short forms still fit
            if (first < 64) {
                out.writeByte(delta);
            } else if (first < 128) {
                out.writeByte(64 + delta);
            } else {
                out.writeByte(first);
                out.writeShort(delta);
            }
        }
        copy(in, out, in.available());
        return buf.toByteArray();
    }

    /**
     * Entries of {@code size} bytes starting with {@code start_pc}: an entry at 0 stays there (so
     * the prologue belongs to it) and, when it has a {@code length}, grows to keep its end.
     */
    private static byte[] shiftTable(byte[] table, int size, boolean hasLength) {
        ByteBuffer b = ByteBuffer.wrap(table.clone());
        int entries = b.getShort(0) & 0xFFFF;
        if (table.length != 2 + entries * size) {
            return null;
        }
        for (int e = 0, at = 2; e < entries; e++, at += size) {
            int start = b.getShort(at) & 0xFFFF;
            if (start != 0) {
                b.putShort(at, (short) (start + SHIFT));
            } else if (hasLength) {
                b.putShort(at + 2, (short) ((b.getShort(at + 2) & 0xFFFF) + SHIFT));
            }
        }
        return b.array();
    }

    /** Constant-pool entries appended after the class's own, numbered from {@code next}. */
    private static final class Pool {
        int next;
        private final DataOutputStream out;

        Pool(int next, DataOutputStream out) {
            this.next = next;
            this.out = out;
        }

        int utf8(String s) throws IOException {
            out.writeByte(1);
            out.writeUTF(s);
            return next++;
        }

        int string(String s) throws IOException {
            int u = utf8(s);
            out.writeByte(8);
            out.writeShort(u);
            return next++;
        }

        int type(String internalName) throws IOException {
            int u = utf8(internalName);
            out.writeByte(7);
            out.writeShort(u);
            return next++;
        }

        int method(String owner, String name, String desc) throws IOException {
            int c = type(owner);
            int n = utf8(name);
            int d = utf8(desc);
            out.writeByte(12);
            out.writeShort(n);
            out.writeShort(d);
            int nat = next++;
            out.writeByte(10);
            out.writeShort(c);
            out.writeShort(nat);
            return next++;
        }
    }

    private static void copyAttributes(DataInputStream in, DataOutputStream out) throws IOException {
        int attributes = in.readUnsignedShort();
        out.writeShort(attributes);
        for (int a = 0; a < attributes; a++) {
            copy(in, out, 2);
            int len = in.readInt();
            out.writeInt(len);
            copy(in, out, len);
        }
    }

    private static void copy(DataInputStream in, DataOutputStream out, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        out.write(b);
    }
}
