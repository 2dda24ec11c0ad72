-- meta.source_files.modified_ns: the file's modification time (ns since the epoch) as
-- stat() gave it just before the file was read. A later run that finds the same path with
-- the same size and modification time does not read the file again: the content is taken
-- as unchanged (as make and rsync do). `profile-etl run --full-refresh` reads every file.
alter table meta.source_files add column modified_ns bigint;
