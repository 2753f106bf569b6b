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
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        volatile CountDownLatch hold;

        @Override
        public List<Output> run(List<Input> inputs) throws Exception {
            sizes.add(inputs.size());
            threads.add(Thread.currentThread());
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

    @Test
    void aCallerWithAFreePredictorRunsTheBatchItself() throws Exception {
        Recording a = new Recording();
        try (Batcher batcher = new Batcher("t", List.of(a), 1, HOUR_MS, new ServeMetrics())) {
            batcher.start();
            List<CompletableFuture<Output>> answers = batcher.call(List.of(input()));
            assertTrue(answers.get(0).isDone(), "the caller returned before its answer");
            answered(answers.get(0));
            assertEquals(List.of(Thread.currentThread()), a.threads);
        }
    }

    @Test
    void aCallerRunsEverythingQueuedWithItsOwnAndLeavesTheRestToAWorkerWhenAllAreBusy() throws Exception {
        Recording a = new Recording();
        Recording b = new Recording();
        CountDownLatch release = new CountDownLatch(1);
        a.hold = release;
        b.hold = release;
        try (Batcher batcher = new Batcher("t", List.of(a, b), 4, HOUR_MS, new ServeMetrics())) {
            batcher.start();
            // the worker threads are idle; both predictors go to callers, the first one held
            List<CompletableFuture<Output>> first = new CopyOnWriteArrayList<>();
            Thread caller = new Thread(() -> first.addAll(batcher.call(List.of(input()))));
            caller.start();
            assertTrue(a.started.await(60, TimeUnit.SECONDS));
            Thread second = new Thread(() -> batcher.call(List.of(input())));
            second.start();
            assertTrue(b.started.await(60, TimeUnit.SECONDS));
            // every predictor is busy: these callers queue and return at once
            List<CompletableFuture<Output>> queued = batcher.call(List.of(input(), input(), input()));
            for (CompletableFuture<Output> f : queued) {
                assertTrue(!f.isDone(), "answered while every predictor was busy");
            }
            release.countDown();
            for (CompletableFuture<Output> f : queued) {
                answered(f);
            }
            caller.join(60_000);
            second.join(60_000);
            answered(first.get(0));
            List<Integer> sizes = new ArrayList<>(a.sizes);
            sizes.addAll(b.sizes);
            Collections.sort(sizes);
            assertEquals(List.of(1, 1, 3), sizes);
            List<Thread> ran = new ArrayList<>(a.threads);
            ran.addAll(b.threads);
            assertTrue(ran.contains(caller) && ran.contains(second), "the callers ran their own: " + ran);
            assertTrue(
                    ran.stream().anyMatch(t -> t.getName().contains("-worker-")),
                    "a worker answered the queued requests: " + ran);
        }
    }
}
