/** DJL integration: track any DJL training in a Keel run by adding one listener. */
package dev.keel.djl;
