package io.edgecert.serving;

import java.util.List;

/**
 * Drops cached objects of one distribution on this node: the edge's cache implements it, the
 * invalidation follower calls it. Paths are CloudFront invalidation paths ("/index.html", or a
 * prefix ending in "*" such as "/img/*"; "/*" is everything), matched against the object's path
 * without its query string. Returns once no later lookup on this node can see a matching object.
 */
public interface CachePurger {
    CachePurger NONE = (distributionId, paths) -> 0;

    /** @return how many objects were dropped */
    long purge(String distributionId, List<String> paths);
}
