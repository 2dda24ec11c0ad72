-- analytics.quarantine_reasons: one row per kind of quarantine reason, with how many
-- records and files it holds. A kind is the reason with its quoted values and numbers
-- folded by meta.reason_kind (`invalid date '...'`, `file looks binary (NUL byte at offset N, line N)`), so
-- `group by reason` over quarantine.records, one group per record, becomes a short list.
create or replace view analytics.quarantine_reasons as
with records as (
    select
        *,
        meta.reason_kind(reason) as kind,
    from quarantine.records
),

final as (
    select
        kind,
        stage,
        count(*) as n_records,
        count(distinct source_path) as n_files,
        sum(n_lines)::bigint as n_lines,
        -- one record as the example: the smallest by reason, then file, then line
        min(struct_pack(reason := reason, path := source_path, line_no := line_no)) as example,
    from records
    group by kind, stage
)

select
    kind, stage, n_records, n_files, n_lines,
    example.reason as example_reason, example.path as example_path, example.line_no as example_line_no,
from final
