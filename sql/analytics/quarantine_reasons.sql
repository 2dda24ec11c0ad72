-- analytics.quarantine_reasons: one row per kind of quarantine reason, with how many
-- records and files it holds. A kind is the reason with its quoted values and numbers
-- folded (`invalid date '...'`, `file looks binary (NUL byte at offset N, line N)`), so
-- `group by reason` over quarantine.records, one group per record, becomes a short list.
create or replace view analytics.quarantine_reasons as
with records as (
    select
        *,
        regexp_replace(regexp_replace(reason, '''[^'']*''', '''...''', 'g'), ' [0-9]+', ' N', 'g') as kind,
    from quarantine.records
),

final as (
    select
        kind,
        stage,
        count(*) as n_records,
        count(distinct source_path) as n_files,
        sum(n_lines) as n_lines,
        min(reason) as example_reason,
        arg_min(source_path, reason) as example_path,
        arg_min(line_no, reason) as example_line_no,
    from records
    group by kind, stage
)

select * from final
