-- core.categories: one row per category code seen on any loaded page (an entry's code or
-- a header's primary category, in any listing, not only the ones that won in core), with
-- its arXiv identifier and name where the code is a known arXiv subject class.
with codes as (
    select category as code from staging.entries
    union
    select primary_category from staging.pages where primary_category is not null
),

final as (
    select
        codes.code,
        ref.arxiv_id,
        ref.name,
    from codes
    left join ref.arxiv_categories as ref using (code)
)

select * from final
