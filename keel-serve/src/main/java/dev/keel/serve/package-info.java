/**
 * Serving a registered model: {@link dev.keel.serve.ModelServer} puts the version a ref names
 * ({@code NAME@ALIAS}) behind HTTP, follows the alias, batches requests and reports what it sees
 * into a Keel run. A version says how it is served with a {@link dev.keel.serve.ServingDescriptor}.
 */
package dev.keel.serve;
