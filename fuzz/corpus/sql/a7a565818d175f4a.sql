SELECT c.Country, c.Population FROM countries c LEFT JOIN sales s ON c.Country = s.Country WHERE s.Country IS NULL
