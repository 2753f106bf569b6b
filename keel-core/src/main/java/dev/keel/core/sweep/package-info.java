/**
 * Sweeps as the run store keeps them: a sweep (its configuration text and state) and its
 * trials, handed out to agents exactly once through {@link dev.keel.core.sweep.SweepStore#claim}.
 * What a configuration means and how the next trial is chosen live in the {@code keel-sweep}
 * module, which plugs in as a {@link dev.keel.core.sweep.TrialProposer}.
 */
package dev.keel.core.sweep;
