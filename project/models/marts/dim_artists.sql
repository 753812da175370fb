-- One row per artist, keyed on the cleaned name: several catalogue names share an artist_id
-- and one name can carry several ids, so the id is not a key. Plus the unknown member.
with catalogue as (
    select
        {{ clean_text('artist_name') }} as artist_name,
        artist_id
    from {{ ref('songs') }}
    where {{ clean_text('artist_name') }} <> ''
),

artists as (
    select
        artist_name,
        min(artist_id) as artist_id,
        count(*) as catalogue_songs
    from catalogue
    group by artist_name
)

select
    {{ surrogate_key(['artist_name']) }} as artist_key,
    artist_name,
    artist_id,
    catalogue_songs
from artists

union all

select {{ unknown_key() }}, 'Unknown', 'NA', 0
