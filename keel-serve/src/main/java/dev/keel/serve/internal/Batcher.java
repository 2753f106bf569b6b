package dev.keel.serve.internal;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dynamic batching over a pool of workers, each with a predictor of its own. A free worker takes
 * every waiting request at once, up to {@code maxBatch}, and runs them as one
 * {@code batchPredict}: requests that arrive while the workers compute queue up, so under load
 * batches fill by themselves, and under light load nobody waits for a batch to fill.
 *
 * <p>Only a sole worker waits for more, up to {@code maxDelayMs}, after its first request: it has
 * no colleague to take what arrives meanwhile. With several workers a wait would only idle this
 * worker's core, since the requests it waits for are mostly those a busy colleague is answering
 * (they come back once answered), so the workers would take turns instead of computing side by
 * side.
 *
 * <p>The queue is bounded: past {@value #QUEUE_LIMIT} waiting requests a new one is refused
 * (503) rather than left waiting without limit.
 */
final class Batcher implements AutoCloseable {
    static final int QUEUE_LIMIT = 4096;

    private record Job(Input input, CompletableFuture<Output> answer) {}

    /** What one worker runs its batches on: in serving, a DJL predictor of its own. */
    interface Runner extends AutoCloseable {
        List<Output> run(List<Input> inputs) throws Exception;

        @Override
        void close();

        static Runner of(Predictor<Input, Output> predictor) {
            return new Runner() {
                @Override
                public List<Output> run(List<Input> inputs) throws Exception {
                    return predictor.batchPredict(inputs);
                }

                @Override
                public void close() {
                    predictor.close();
                }
            };
        }
    }

    private final String name;
    private final List<Runner> predictors;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final ServeMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled for a free worker when a request arrives. */
    private final Condition arrived = lock.newCondition();
    /** Signalled for a sole worker gathering a batch: a request arrived. */
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** Workers waiting for a first request, free to take one at once; guarded by lock. */
    private int idle;

    private volatile boolean closed;

    Batcher(String name, List<Runner> runners, int maxBatch, long maxDelayMs, ServeMetrics metrics) {
        this.name = name;
        this.predictors = List.copyOf(runners);
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMs);
        this.metrics = metrics;
        for (int i = 0; i < this.predictors.size(); i++) {
            Runner p = this.predictors.get(i);
            Thread t = new Thread(() -> work(p), "keel-serve-" + name + "-worker-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
        }
    }

    /**
     * Runs a batch of every size up to {@code maxBatch} on every worker's predictor, before any
     * request: the engine prepares each input shape the first time it sees it, which would
     * otherwise stall the first requests that happen to form a batch of that size.
     */
    void warmUp(Input example) {
        for (Runner p : predictors) {
            for (int size = maxBatch; size >= 1; size--) {
                try {
                    p.run(Collections.nCopies(size, example));
                } catch (Exception e) {
                    throw new KeelException(
                            ErrorCode.INVALID_PARAMETER_VALUE, "warming up " + name + " failed: " + e.getMessage(), e);
                }
            }
        }
        start();
    }

    /** Starts the workers (warmUp does, after warming up). */
    void start() {
        for (Thread t : workers) {
            t.start();
        }
    }

    /** Queues one input; the answer completes when its batch has run. */
    CompletableFuture<Output> submit(Input input) {
        CompletableFuture<Output> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(unavailable(name + " is unloading"));
            return answer;
        }
        lock.lock();
        try {
            if (queue.size() >= QUEUE_LIMIT) {
                answer.completeExceptionally(unavailable("the server is overloaded (" + QUEUE_LIMIT
                        + " requests waiting); retry later or add --workers"));
                return answer;
            }
            queue.add(new Job(input, answer));
            if (idle > 0) {
                arrived.signal();
            } else {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return answer;
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void work(Runner predictor) {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                if (next(batch)) {
                    run(predictor, batch);
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                for (Job j : batch) {
                    j.answer().completeExceptionally(unavailable(name + " was unloaded"));
                }
                batch.clear();
            }
        }
    }

    /** Fills {@code batch} by the policy above; false when there was nothing to take. */
    private boolean next(List<Job> batch) throws InterruptedException {
        lock.lock();
        try {
            idle++;
            try {
                long wait = TimeUnit.MILLISECONDS.toNanos(200);
                while (queue.isEmpty() && !closed && wait > 0) {
                    wait = arrived.awaitNanos(wait);
                }
            } finally {
                idle--;
            }
            if (queue.isEmpty() || closed) {
                return false;
            }
            take(batch);
            long deadline = System.nanoTime() + maxDelayNanos;
            while (predictors.size() == 1 && batch.size() < maxBatch && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (queue.isEmpty()) {
                    changed.awaitNanos(left);
                }
                take(batch);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void take(List<Job> batch) {
        while (batch.size() < maxBatch && !queue.isEmpty()) {
            batch.add(queue.poll());
        }
    }

    private void run(Runner predictor, List<Job> batch) {
        List<Input> inputs = new ArrayList<>(batch.size());
        for (Job j : batch) {
            inputs.add(j.input());
        }
        metrics.batch(batch.size());
        try {
            List<Output> outputs = predictor.run(inputs);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer().complete(outputs.get(i));
            }
        } catch (Exception | LinkageError e) {
            for (Job j : batch) {
                j.answer().completeExceptionally(e);
            }
        }
        batch.clear();
    }

    private static KeelException unavailable(String message) {
        return new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, message);
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            arrived.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Job> left = new ArrayList<>();
        lock.lock();
        try {
            left.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        for (Job j : left) {
            j.answer().completeExceptionally(unavailable(name + " was unloaded"));
        }
        for (Runner p : predictors) {
            p.close();
        }
    }
}
