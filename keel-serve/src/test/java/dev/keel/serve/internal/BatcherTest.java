package dev.keel.serve.internal;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batching policy with runners that record their batches and can be held busy. The delay is
 * an hour, so an answer that comes at all came without waiting for it; the bounded waits below
 * only turn a hang into a failure.
 */
class BatcherTest {
    private static final long HOUR_MS = 3_600_000;

    /** Records each batch's size; while {@code hold} is set, a batch blocks until released. */
    private static final class Recording implements Batcher.Runner {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        volatile CountDownLatch hold;

        @Override
        public List<Output> run(List<Input> inputs) throws Exception {
            sizes.add(inputs.size());
            started.countDown();
            CountDownLatch h = hold;
            if (h != null) {
                assertTrue(h.await(60, TimeUnit.SECONDS), "the test never released the batch");
            }
            List<Output> out = new ArrayList<>();
            for (Input ignored : inputs) {
                out.add(new Output());
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static Input input() {
        Input in = new Input();
        in.add("data", new byte[] {1});
        return in;
    }

    private static void answered(CompletableFuture<Output> f) throws Exception {
        f.get(60, TimeUnit.SECONDS);
    }

    @Test
    void severalWorkersRunARequestAtOnceWithoutWaitingForMore() throws Exception {
        Recording a = new Recording();
        Recording b = new Recording();
        try (Batcher batcher = new Batcher("t", List.of(a, b), 16, HOUR_MS, new ServeMetrics())) {
            batcher.start();
            answered(batcher.submit(input()));
            answered(batcher.submit(input()));
            List<Integer> all = new ArrayList<>(a.sizes);
            all.addAll(b.sizes);
            assertEquals(List.of(1, 1), all);
        }
    }

    @Test
    void aSoleWorkerWaitsForMoreUpToTheFullBatch() throws Exception {
        Recording a = new Recording();
        try (Batcher batcher = new Batcher("t", List.of(a), 4, HOUR_MS, new ServeMetrics())) {
            batcher.start();
            List<CompletableFuture<Output>> answers = new ArrayList<>();
            answers.add(batcher.submit(input()));
            for (int i = 0; i < 3; i++) {
                answers.add(batcher.submit(input()));
            }
            for (CompletableFuture<Output> f : answers) {
                answered(f);
            }
            assertEquals(List.of(4), a.sizes);
        }
    }

    @Test
    void aWorkerThatBecomesFreeTakesEverythingQueuedUpToTheBatchSize() throws Exception {
        Recording a = new Recording();
        Recording b = new Recording();
        CountDownLatch release = new CountDownLatch(1);
        a.hold = release;
        b.hold = release;
        try (Batcher batcher = new Batcher("t", List.of(a, b), 4, HOUR_MS, new ServeMetrics())) {
            batcher.start();
            List<CompletableFuture<Output>> answers = new ArrayList<>();
            answers.add(batcher.submit(input()));
            while (a.started.getCount() > 0 && b.started.getCount() > 0) {
                Thread.onSpinWait();
            }
            answers.add(batcher.submit(input()));
            // both workers hold one request each; five more queue meanwhile
            assertTrue(a.started.await(60, TimeUnit.SECONDS) && b.started.await(60, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                answers.add(batcher.submit(input()));
            }
            release.countDown();
            for (CompletableFuture<Output> f : answers) {
                answered(f);
            }
            List<Integer> sizes = new ArrayList<>(a.sizes);
            sizes.addAll(b.sizes);
            Collections.sort(sizes);
            assertEquals(List.of(1, 1, 1, 4), sizes);
        }
    }
}
