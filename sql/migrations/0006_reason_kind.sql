-- meta.reason_kind(reason): a quarantine reason with its quoted value and its numbers folded
-- (`invalid date 'Feb 30, 2024'` -> `invalid date '...'`, `offset 19, line 3` -> `offset N,
-- line N`), so that records of one kind group together. From the first quote to the last:
-- a quoted value may hold an apostrophe (`O'Brien`). The one definition, used by
-- analytics.quarantine_reasons and by the run's summary of its top reasons.
create or replace macro meta.reason_kind(reason) as
    regexp_replace(regexp_replace(reason, '''.*''', '''...'''), ' [0-9]+', ' N', 'g');
