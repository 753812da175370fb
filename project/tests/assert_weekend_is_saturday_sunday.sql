-- ISO numbering: the weekend is Saturday (6) and Sunday (7), nothing else.
select date_key, day_of_week, day_name, is_weekend
from {{ ref('dim_datetime') }}
where hour_start is not null
  and (is_weekend <> (day_of_week in (6, 7))
       or (day_name = 'Saturday' and day_of_week <> 6)
       or (day_name = 'Sunday' and day_of_week <> 7)
       or (day_name = 'Monday' and day_of_week <> 1))
