/**
 * What tools (the {@code keel} CLI, a server over a local folder) do to a local Keel folder:
 * {@link dev.keel.home.Sync} uploads its runs to a server, {@link dev.keel.home.CrashRecovery}
 * records the runs whose process vanished, {@link dev.keel.home.CacheBound} keeps its cache
 * under a size bound. Training code needs none of this: it uses {@code dev.keel.Keel}.
 */
package dev.keel.home;
