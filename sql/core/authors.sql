-- core.authors: one row per person (same name in any Unicode form, case or spacing), named
-- by the spelling seen most often (ties: the smallest).
with entry_authors as (
    select * from staging.entry_authors
),

spellings as (
    select author_id, name, count(*) as n_seen,
    from entry_authors
    group by all
),

final as (
    select
        author_id,
        first(name order by n_seen desc, name) as name,
    from spellings
    group by author_id
)

select author_id, name from final
