SELECT min(to_date(Date, 'M/d/yyyy')), max(to_date(Date, 'M/d/yyyy')), count(DISTINCT Date) FROM sales
