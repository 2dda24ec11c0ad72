-- analytics.suspect_attributions: one row per researcher per paper on the researcher's
-- latest page, with the evidence that the paper belongs to a namesake rather than to the
-- page's owner. Every paper of the page is a row; filter `where is_suspect` for the
-- papers to review (sort by suspect_score).
--
-- Evidence, each judged against the OTHER papers of the same page:
--   n_shared_coauthors       co-authors of this paper (owner excluded) who also co-author
--                            another paper on the page. A namesake's paper is linked to the
--                            rest of the page by nobody. (`et al.` hides authors, so a
--                            truncated list can only under-count.)
--   years_from_nearest_other |year(this) - year(other)| for the nearest other paper.
--   topic_similarity         share of this paper's content words that also occur in at
--                            least one other paper of the page (containment, 0-1). Content
--                            words: distinct lower-cased runs of letters (Unicode) of length
--                            >= 4 in title + abstract (abstract_plain when present), minus
--                            the common English and boilerplate words of `stop_words`.
--                            Containment, not Jaccard with the union of the other papers:
--                            that union is ~20x larger than one abstract, so Jaccard
--                            mostly measures abstract length. It is judged relative to
--                            the page's median, which absorbs page size and writing style.
--
-- Rule (each evidence scaled to 0-1):
--   coauthor_evidence = 1 when n_shared_coauthors = 0, else 0
--   time_evidence     = clamp((years_from_nearest_other - 1) / 4): 0 at <= 1 year,
--                       0.5 at 3 years, 1 at >= 5 years
--   topic_evidence    = clamp((1 - topic_similarity / page median) / 0.5): 0 at or above
--                       the page median, 0.5 at 75% of it, 1 at half of it or below
--   suspect_score     = coauthor_evidence * greatest(time_evidence, topic_evidence)
--   is_suspect        = suspect_score >= 0.5
-- i.e. no shared co-author AND (>= 3 years from every other paper OR vocabulary at most
-- 75% as shared as the page's typical paper). Co-author evidence alone never flags (new
-- collaborators are normal), nor do time or topic alone. Pages with fewer than 3 other
-- papers are not judged: suspect_score is NULL and is_suspect false.
create or replace view analytics.suspect_attributions as
with researchers as (
    select * from core.researchers
),

profile_papers as (
    select * from core.profile_papers
),

papers as (
    select * from core.papers
),

paper_authors as (
    select * from core.paper_authors
),

stop_words as (
    select unnest([
        'about', 'above', 'across', 'after', 'again', 'against', 'all', 'almost', 'along',
        'already', 'also', 'although', 'always', 'among', 'another', 'around', 'based',
        'became', 'because', 'become', 'becomes', 'been', 'before', 'being', 'below',
        'between', 'beyond', 'both', 'cannot', 'could', 'does', 'doing', 'done', 'down',
        'during', 'each', 'either', 'else', 'enough', 'even', 'ever', 'every', 'first',
        'from', 'further', 'furthermore', 'given', 'have', 'having', 'hence', 'here',
        'however', 'into', 'itself', 'just', 'less', 'like', 'made', 'main', 'make',
        'makes', 'making', 'many', 'more', 'moreover', 'most', 'much', 'must', 'need',
        'needs', 'only', 'other', 'others', 'over', 'paper', 'particular', 'perhaps',
        'possible', 'present', 'propose', 'proposed', 'provide', 'provides', 'rather',
        'recent', 'recently', 'same', 'several', 'should', 'show', 'shown', 'shows',
        'since', 'some', 'such', 'than', 'that', 'their', 'them', 'then', 'there',
        'thereby', 'therefore', 'these', 'they', 'this', 'those', 'though', 'through',
        'thus', 'together', 'toward', 'towards', 'under', 'until', 'upon', 'used', 'uses',
        'using', 'various', 'very', 'well', 'were', 'what', 'when', 'where', 'whereas',
        'whether', 'which', 'while', 'whose', 'will', 'with', 'within', 'without', 'work',
        'works', 'would', 'your', 'approach', 'approaches', 'method', 'methods', 'result',
        'results', 'demonstrate', 'demonstrates', 'experiments', 'extensive', 'achieve',
        'achieves', 'existing', 'problem', 'problems', 'study', 'address', 'effective',
        'efficient', 'important', 'introduce', 'performance'
    ]) as word
),

page_papers as (
    select
        profile_papers.researcher_id,
        profile_papers.as_of,
        profile_papers.paper_id,
        profile_papers.position,
        papers.title,
        papers.published_on,
        year(papers.published_on) as published_year,
        papers.authors_truncated,
        papers.title || ' ' || coalesce(papers.abstract_plain, papers.abstract) as text,
    from profile_papers
    inner join researchers
        on researchers.researcher_id = profile_papers.researcher_id
        and researchers.latest_as_of = profile_papers.as_of
    inner join papers on papers.paper_id = profile_papers.paper_id
),

page_sizes as (
    select
        researcher_id,
        count(*) as n_papers_on_page,
    from page_papers
    group by researcher_id
),

-- co-author evidence
page_coauthors as (
    select distinct
        page_papers.researcher_id,
        page_papers.paper_id,
        paper_authors.author_id as coauthor_id,
    from page_papers
    inner join paper_authors
        on paper_authors.paper_id = page_papers.paper_id
        and paper_authors.author_id <> page_papers.researcher_id
),

coauthor_counts as (
    select
        researcher_id,
        paper_id,
        count(*) as n_coauthors,
    from page_coauthors
    group by researcher_id, paper_id
),

shared_coauthors as (
    select
        this_paper.researcher_id,
        this_paper.paper_id,
        count(distinct this_paper.coauthor_id) as n_shared_coauthors,
    from page_coauthors as this_paper
    inner join page_coauthors as other_paper
        on other_paper.researcher_id = this_paper.researcher_id
        and other_paper.coauthor_id = this_paper.coauthor_id
        and other_paper.paper_id <> this_paper.paper_id
    group by this_paper.researcher_id, this_paper.paper_id
),

-- time evidence
nearest_years as (
    select
        this_paper.researcher_id,
        this_paper.paper_id,
        min(abs(this_paper.published_year - other_paper.published_year)) as years_from_nearest_other,
    from page_papers as this_paper
    inner join page_papers as other_paper
        on other_paper.researcher_id = this_paper.researcher_id
        and other_paper.paper_id <> this_paper.paper_id
    group by this_paper.researcher_id, this_paper.paper_id
),

-- topic evidence
paper_words as (
    select distinct
        researcher_id,
        paper_id,
        word,
    from (
        select
            researcher_id,
            paper_id,
            unnest(regexp_extract_all(lower(text), '\p{L}+')) as word,
        from page_papers
    ) as tokens
    where length(word) >= 4
        and word not in (select word from stop_words)
),

word_spread as (
    select
        researcher_id,
        word,
        count(*) as n_papers_with_word,
    from paper_words
    group by researcher_id, word
),

topic as (
    select
        paper_words.researcher_id,
        paper_words.paper_id,
        count(*) as n_content_words,
        count(*) filter (where word_spread.n_papers_with_word >= 2) / count(*) as topic_similarity,
    from paper_words
    inner join word_spread using (researcher_id, word)
    group by paper_words.researcher_id, paper_words.paper_id
),

page_topic as (
    select
        researcher_id,
        median(topic_similarity) as page_median_topic_similarity,
    from topic
    group by researcher_id
),

evidence as (
    select
        page_papers.researcher_id,
        page_papers.as_of,
        page_papers.paper_id,
        page_papers.position,
        page_papers.title,
        page_papers.published_on,
        page_papers.authors_truncated,
        page_sizes.n_papers_on_page - 1 as n_other_papers,
        coalesce(coauthor_counts.n_coauthors, 0) as n_coauthors,
        coalesce(shared_coauthors.n_shared_coauthors, 0) as n_shared_coauthors,
        nearest_years.years_from_nearest_other,
        topic.topic_similarity,
        page_topic.page_median_topic_similarity,
        case when coalesce(shared_coauthors.n_shared_coauthors, 0) = 0 then 1.0 else 0.0 end
            as coauthor_evidence,
        coalesce(
            least(greatest((nearest_years.years_from_nearest_other - 1) / 4.0, 0.0), 1.0),
            0.0
        ) as time_evidence,
        coalesce(
            least(greatest(
                (1.0 - topic.topic_similarity / nullif(page_topic.page_median_topic_similarity, 0)) / 0.5,
                0.0
            ), 1.0),
            0.0
        ) as topic_evidence,
    from page_papers
    inner join page_sizes using (researcher_id)
    left join coauthor_counts using (researcher_id, paper_id)
    left join shared_coauthors using (researcher_id, paper_id)
    left join nearest_years using (researcher_id, paper_id)
    left join topic using (researcher_id, paper_id)
    left join page_topic using (researcher_id)
),

scored as (
    select
        *,
        case
            when n_other_papers >= 3
                then coauthor_evidence * greatest(time_evidence, topic_evidence)
        end as suspect_score,
    from evidence
),

final as (
    select
        *,
        coalesce(suspect_score >= 0.5, false) as is_suspect,
    from scored
)

select * from final
