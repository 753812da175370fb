-- One row per (cleaned artist, cleaned title). The catalogue repeats some pairs under
-- different song ids: keep the smallest id so a listen never matches two songs.
with catalogue as (
    select
        song_id,
        {{ clean_text('artist_name') }} as artist_name,
        {{ clean_text('title') }} as title,
        duration,
        year
    from {{ ref('songs') }}
),

songs as (
    select *
    from catalogue
    where artist_name <> '' and title <> ''
    qualify row_number() over (partition by artist_name, title order by song_id) = 1
)

select
    {{ surrogate_key(['artist_name', 'title']) }} as song_key,
    song_id,
    title,
    artist_name,
    {{ surrogate_key(['artist_name']) }} as artist_key,
    duration,
    nullif(year, 0) as year
from songs

union all

select {{ unknown_key() }}, 'NA', 'Unknown', 'Unknown', {{ unknown_key() }}, 0.0, null
