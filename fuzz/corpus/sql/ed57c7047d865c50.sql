SELECT count(*) FROM sales WHERE Country NOT IN ('United Kingdom')
