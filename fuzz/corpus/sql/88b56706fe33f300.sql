SELECT count(*) FROM sales WHERE Country IN ('Norway', 'Germany', 'Atlantis')
