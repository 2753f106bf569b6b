/** Networks: plain input-to-logits DJL blocks (an MLP and a small CNN), built by name. */
package dev.keel.examples.apparel.networks;
