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
 * Dynamic batching over a pool of predictors. Whoever takes a free predictor takes every waiting
 * request at once, up to {@code maxBatch}, and runs them as one {@code batchPredict}: requests
 * that arrive while the predictors compute queue up, so under load batches fill by themselves,
 * and under light load nobody waits for a batch to fill.
 *
 * <p>A request thread that queues through {@link #call} runs the batch itself when a predictor is
 * free (caller runs): handing the request to a worker thread and the answer back costs two thread
 * wake-ups, more than the model's time per image. When every predictor is busy it waits for its
 * answer, and whoever frees a predictor with requests still queued leaves them to a worker thread
 * (one per predictor), so a request thread never computes other requests after its own answer.
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
    /** Predictors nobody is running a batch on; guarded by lock. */
    private final ArrayDeque<Runner> free = new ArrayDeque<>();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled for a free worker when a request arrives or a predictor is freed. */
    private final Condition arrived = lock.newCondition();
    /** Signalled for {@link #close} when the last busy predictor is freed. */
    private final Condition allFree = lock.newCondition();
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
        free.addAll(this.predictors);
        for (int i = 0; i < this.predictors.size(); i++) {
            Thread t = new Thread(this::work, "keel-serve-" + name + "-worker-" + (i + 1));
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

    /** Queues one input for a worker thread; the answer completes when its batch has run. */
    CompletableFuture<Output> submit(Input input) {
        return enqueue(List.of(input), true).get(0);
    }

    /**
     * Queues the inputs and, when a predictor is free, runs the waiting requests (these first) on
     * the calling thread before returning; otherwise a worker thread answers them once a
     * predictor is freed. The answers complete when their batches have run.
     */
    List<CompletableFuture<Output>> call(List<Input> inputs) {
        List<CompletableFuture<Output>> answers = new ArrayList<>(inputs.size());
        List<Job> batch = new ArrayList<>(maxBatch);
        boolean first = true;
        for (int i = 0; i < inputs.size(); ) {
            if (!first && answers.get(i).isDone()) {
                i++;
                continue;
            }
            Runner runner = null;
            try {
                if (first) {
                    // queued and taken under one lock, so that no worker takes them in between
                    lock.lock();
                    try {
                        answers.addAll(enqueue(inputs, false));
                        runner = fill(batch);
                    } finally {
                        lock.unlock();
                    }
                    first = false;
                } else {
                    runner = takeFree(batch);
                }
                if (runner == null) {
                    break;
                }
                run(runner, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                failUnanswered(batch);
                if (runner != null) {
                    giveBack(runner);
                }
            }
        }
        return answers;
    }

    private List<CompletableFuture<Output>> enqueue(List<Input> inputs, boolean wakeWorker) {
        List<CompletableFuture<Output>> answers = new ArrayList<>(inputs.size());
        if (closed) {
            for (int i = 0; i < inputs.size(); i++) {
                CompletableFuture<Output> answer = new CompletableFuture<>();
                answer.completeExceptionally(unavailable(name + " is unloading"));
                answers.add(answer);
            }
            return answers;
        }
        lock.lock();
        try {
            for (Input input : inputs) {
                CompletableFuture<Output> answer = new CompletableFuture<>();
                answers.add(answer);
                if (queue.size() >= QUEUE_LIMIT) {
                    answer.completeExceptionally(unavailable("the server is overloaded (" + QUEUE_LIMIT
                            + " requests waiting); retry later or add --workers"));
                    continue;
                }
                queue.add(new Job(input, answer));
            }
            if (wakeWorker && idle > 0 && !free.isEmpty()) {
                arrived.signal();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return answers;
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            Runner runner = null;
            try {
                runner = next(batch);
                if (runner != null) {
                    run(runner, batch);
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                failUnanswered(batch);
                if (runner != null) {
                    giveBack(runner);
                }
            }
        }
    }

    private void failUnanswered(List<Job> batch) {
        for (Job j : batch) {
            j.answer().completeExceptionally(unavailable(name + " was unloaded"));
        }
        batch.clear();
    }

    /** A worker's next predictor and batch by the policy above; null when there was nothing to take. */
    private Runner next(List<Job> batch) throws InterruptedException {
        lock.lock();
        try {
            idle++;
            try {
                long wait = TimeUnit.MILLISECONDS.toNanos(200);
                while ((queue.isEmpty() || free.isEmpty()) && !closed && wait > 0) {
                    wait = arrived.awaitNanos(wait);
                }
            } finally {
                idle--;
            }
            return fill(batch);
        } finally {
            lock.unlock();
        }
    }

    /** A free predictor and the batch for it, without waiting for a predictor; null when none is free. */
    private Runner takeFree(List<Job> batch) throws InterruptedException {
        lock.lock();
        try {
            return fill(batch);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: takes a free predictor and fills {@code batch}; null when either is missing. */
    private Runner fill(List<Job> batch) throws InterruptedException {
        if (queue.isEmpty() || free.isEmpty() || closed) {
            return null;
        }
        Runner runner = free.poll();
        try {
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
        } catch (InterruptedException | RuntimeException e) {
            free.push(runner);
            throw e;
        }
        return runner;
    }

    /** Frees a predictor; a worker takes what is still queued. */
    private void giveBack(Runner runner) {
        lock.lock();
        try {
            free.push(runner);
            if (!queue.isEmpty() && idle > 0) {
                arrived.signal();
            }
            if (free.size() == predictors.size()) {
                allFree.signalAll();
            }
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
            // request threads may still be running batches of their own on a predictor
            long wait = TimeUnit.SECONDS.toNanos(5);
            while (free.size() < predictors.size()
                    && wait > 0
                    && !Thread.currentThread().isInterrupted()) {
                try {
                    wait = allFree.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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
