-- meta.source_files.modified_ns, changed_ns: the file's modification time and inode change
-- time (ns since the epoch) as stat() gave them just before the file was read. A later run
-- that finds the same path with the same size, modification time and change time does not
-- read the file again: nothing has written to it since its hash was taken (writing, or
-- setting the mtime back with `touch -d`, moves the change time). `profile-etl run
-- --full-refresh` reads every file.
alter table meta.source_files add column modified_ns bigint;
alter table meta.source_files add column changed_ns bigint;
