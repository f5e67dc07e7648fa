-- Change numbers in commit order (rule C7). A sequence hands numbers out before commit, so a
-- lower number could commit after a higher one that an edge already reported as loaded. One
-- counter row, incremented as the last write of each transaction that changes what the edge
-- serves, orders numbers by commit (the row lock is held until commit) and a rollback leaves no
-- gap: a watermark N reported by an edge then implies every change <= N was visible to it.
CREATE TABLE edge_change_counter (
    id       INTEGER PRIMARY KEY,
    last_seq BIGINT  NOT NULL
);
-- Start above every number already handed out or reported, so no node's old watermark covers a
-- new change.
INSERT INTO edge_change_counter (id, last_seq)
SELECT 1, greatest(coalesce((SELECT max(change_seq) FROM distributions), 0),
                   coalesce((SELECT max(applied_seq) FROM edge_nodes), 0));
DROP SEQUENCE edge_change_seq;
