SELECT regexp_replace(ProductName, '[aeiou]', '') FROM sales WHERE Country = 'Germany' AND Quantity >= 12
