SELECT Country, count(*) FROM sales WHERE Country IN ('Norway', 'Germany') GROUP BY Country
