-- core.categories: one row per category code seen on any loaded page, with its arXiv
-- identifier and name where the code is a known arXiv subject class.
with codes as (
    select category as code from core.papers
    union
    select primary_category from core.researchers where primary_category is not null
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
