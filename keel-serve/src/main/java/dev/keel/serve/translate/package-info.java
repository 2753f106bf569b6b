/**
 * Translators a {@link dev.keel.serve.ServingDescriptor} can name: raw request bytes in, a JSON
 * answer out, in DJL's {@code Input}/{@code Output} types so one server serves any of them.
 */
package dev.keel.serve.translate;
