-- dim_users: exactly one current row per user, and each user's validity intervals are
-- contiguous (each starts where the previous ended) and never overlap.
with ordered as (
    select
        user_id,
        valid_from,
        valid_to,
        is_current,
        lag(valid_to) over (partition by user_id order by valid_from) as previous_valid_to
    from {{ ref('dim_users') }}
    where user_id <> 0
),

current_rows as (
    select user_id, sum(case when is_current then 1 else 0 end) as current_count
    from ordered
    group by user_id
)

select user_id, 'not exactly one current row' as problem
from current_rows
where current_count <> 1
union all
select user_id, 'gap or overlap' as problem
from ordered
where previous_valid_to is not null and previous_valid_to <> valid_from
union all
select user_id, 'empty or inverted interval' as problem
from ordered
where valid_to <= valid_from
