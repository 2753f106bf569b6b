/** Datasets: download-if-missing with checksums, the IDX parser, Fashion-MNIST, seeded batching. */
package dev.keel.examples.apparel.datasets;
