package dev.keel.core.blob;

import java.io.InputStream;

/**
 * Run in a child JVM with a small heap by {@link BlobStoreContractTest}: stores a generated blob
 * through {@link BlobStores#open} and reads it back, printing both addresses. A store that held
 * the blob in memory dies here with an {@link OutOfMemoryError}.
 */
public final class BlobStoreChild {
    private BlobStoreChild() {}

    public static void main(String[] args) throws Exception {
        String location = args[0];
        long seed = Long.parseLong(args[1]);
        long length = Long.parseLong(args[2]);
        BlobStore store = BlobStores.open(location);
        String address = store.put(new GeneratedStream(seed, length));
        System.out.println("put " + address);
        var md = Hashes.sha256();
        long total = 0;
        try (InputStream in = store.open(address)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                total += n;
            }
        }
        System.out.println("read " + Hashes.address(md.digest()) + " " + total);
        System.out.println("max-heap " + Runtime.getRuntime().maxMemory());
        // Non-daemon threads of an HTTP client must not keep the child alive.
        System.exit(0);
    }
}
