-- Fencing, retries and a durable rollback for import jobs.
-- lease_epoch moves each time a node takes a job's lease (not on renewal); every result write of
-- the runner checks (owner, epoch) under the job row's lock, so a node whose lease lapsed and was
-- taken over cannot overwrite results.
ALTER TABLE jobs ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0;
-- Set (with the error) when a job with rollbackOnFailure failed and must still remove what it
-- created; the job stays RUNNING, claimable and resumable, until the rollback ends in CLEANED_UP.
ALTER TABLE jobs ADD COLUMN rollback_pending BOOLEAN NOT NULL DEFAULT FALSE;
-- Failed attempts of an item in its current step (the final one that fails it included); an
-- unexpected (non-validation, non-database) error is retried until the limit, then the item fails
-- with InternalError instead of aborting the run again and again.
ALTER TABLE job_items ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- How many times an item's import or distribution work started: tests use it to prove that two
-- nodes never ran the same batch at the same time.
ALTER TABLE job_items ADD COLUMN import_runs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_items ADD COLUMN distribute_runs INTEGER NOT NULL DEFAULT 0;
