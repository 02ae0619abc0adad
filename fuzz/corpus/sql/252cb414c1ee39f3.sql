SELECT upper(Country) AS c, count(*) FROM sales GROUP BY upper(Country)
