SELECT count(*) FROM sales WHERE lower(ProductName) LIKE '%heart%' AND upper(Country) = 'UNITED KINGDOM'
