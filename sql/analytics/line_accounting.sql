-- analytics.line_accounting: one row per file content offered under a path.
-- Every line of a file is a separator (blank), part of a loaded record or part of a
-- quarantined record; `is_balanced` is false only if the pipeline lost or double-counted
-- a line, which is a bug.
create or replace view analytics.line_accounting as
with files as (
    select * from meta.source_files where status <> 'skipped'
),

final as (
    select
        path,
        file_sha256,
        status,
        is_current,
        n_lines,
        n_separator_lines,
        n_loaded_lines,
        n_quarantined_lines,
        n_lines = n_separator_lines + n_loaded_lines + n_quarantined_lines as is_balanced,
    from files
)

select * from final
