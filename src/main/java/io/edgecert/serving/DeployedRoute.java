package io.edgecert.serving;

/**
 * One distribution as a node's edge knows it: its route, the change number that made this
 * version, and whether it is served (a disabled one is listed so that the edge drops it).
 */
public record DeployedRoute(EdgeRoute route, long changeSeq, boolean enabled) {
}
